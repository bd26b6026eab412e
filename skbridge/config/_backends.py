"""Where a search runs: joblib's loky processes, a Dask cluster or a Ray cluster.

scikit-learn's searches (``GridSearchCV``, ``RandomizedSearchCV``, ``cross_validate``)
hand their fits to joblib; :func:`search_backend` is the context under which those fits
go to one of three places, chosen by name (``search.backend`` in the configs):

- ``"loky"``: joblib's own worker processes on this machine (the default);
- ``"dask"``: a ``distributed.LocalCluster`` the context starts and closes, or the
  cluster behind ``scheduler="tcp://host:8786"``, which it only connects to;
- ``"ray"``: a local Ray instance the context starts and stops, or the cluster at
  ``scheduler`` (``"auto"``, ``"ray://host:10001"``), through ``ray.util.joblib``.

Every worker keeps BLAS and OpenMP at one thread: the search already runs one fit per
core, and a second layer of threads only adds contention (a ``LogisticRegression`` fit on
Titanic takes 0.75 s with OpenBLAS's two threads on a 2-core machine, 0.02 s with one).
Dask and Ray are imported only when chosen.
"""

import importlib.util
import logging
import os
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from numbers import Integral

import joblib

from ..compat import OptionalDependencyError, import_optional

__all__ = ["BACKENDS", "BackendInfo", "search_backend"]

#: Names accepted by :func:`search_backend` (and by ``search.backend``).
BACKENDS = ("loky", "dask", "ray")

# The variables that size the thread pools of BLAS, OpenMP and numexpr in a new process.
_ONE_THREAD_ENV = {
    name: "1"
    for name in (
        "OMP_NUM_THREADS",
        "OPENBLAS_NUM_THREADS",
        "MKL_NUM_THREADS",
        "BLIS_NUM_THREADS",
        "VECLIB_MAXIMUM_THREADS",
        "NUMEXPR_NUM_THREADS",
    )
}


@dataclass(frozen=True)
class BackendInfo:
    """Where the searches of a :func:`search_backend` block run.

    Parameters
    ----------
    backend : {"loky", "dask", "ray"}
        The backend's name.
    n_workers : int
        Worker processes (Dask: workers of the cluster, one thread each; Ray: CPUs
        of the cluster) when the block started.
    address : str or None, default=None
        The scheduler's address (Dask) or the cluster's (Ray); None for loky.
    dashboard : str or None, default=None
        Link to the cluster's dashboard, when it has one.
    client : object, default=None
        The ``distributed.Client`` of a Dask block (for ``client.run`` and the like);
        None for the other backends.

    Examples
    --------
    >>> from skbridge.config._backends import BackendInfo
    >>> print(BackendInfo("dask", 2, "tcp://127.0.0.1:8786", "http://127.0.0.1:8787/status"))
    dask: 2 workers at tcp://127.0.0.1:8786, dashboard http://127.0.0.1:8787/status
    """

    backend: str
    n_workers: int
    address: str | None = None
    dashboard: str | None = None
    client: object = field(default=None, repr=False, compare=False)

    def __str__(self):
        """One line for the command line: backend, workers, address, dashboard."""
        workers = f"{self.n_workers} worker{'s' if self.n_workers != 1 else ''}"
        where = f" at {self.address}" if self.address else " on this machine"
        dashboard = f", dashboard {self.dashboard}" if self.dashboard else ""
        return f"{self.backend}: {workers}{where}{dashboard}"


def search_backend(backend="loky", *, scheduler=None, n_workers=None, verbose=False):
    """Run scikit-learn's parallel searches on loky processes, Dask or Ray.

    Inside the block, every joblib-parallel search (``GridSearchCV``,
    ``RandomizedSearchCV``, ``cross_validate``, ...) sends its fits to the chosen
    backend. Each worker keeps BLAS and OpenMP at one thread. Leave the search's
    ``n_jobs`` at None: the block then runs ``n_workers`` fits at once on loky and
    uses every worker of a Dask or Ray cluster. An explicit ``n_jobs`` still
    counts on loky and Ray (``n_jobs=1`` fits in this process, one at a time);
    Dask ignores it.

    Parameters
    ----------
    backend : {"loky", "dask", "ray"}, default="loky"
        ``"loky"``: joblib's worker processes on this machine. ``"dask"``: a
        ``distributed.LocalCluster`` of ``n_workers`` single-threaded workers,
        started here and closed when the block ends, or the cluster at
        ``scheduler`` (needs the ``distributed`` extra). ``"ray"``: a Ray instance
        started here (``n_workers`` CPUs) and stopped at the end, or the cluster at
        ``scheduler``; an instance this process already started is used as it is
        (needs ``pip install "ray[default]"``).
    scheduler : str, default=None
        Address of a running cluster: a Dask scheduler (``"tcp://host:8786"``),
        which the block connects to and leaves running, or a Ray cluster
        (``"auto"``, ``"ray://host:10001"``). Not for ``"loky"``.
    n_workers : int, default=None
        Worker processes to start: loky's default number of jobs, the size of the
        local Dask cluster, or the CPUs of the local Ray instance. None: one per
        core. Not together with ``scheduler``: a running cluster has its own.
    verbose : bool or int, default=False
        Print joblib's progress messages (level 10 when True) and the cluster's
        log messages of level INFO and above (warnings and errors only when False).

    Returns
    -------
    context : context manager
        Starts (or connects to) the backend on entry and yields a
        :class:`BackendInfo`: where the work runs (backend, workers, address,
        dashboard link, and for Dask the ``client``); stops what it started on exit.
        The arguments are checked when it is created, before anything starts.

    Raises
    ------
    ValueError
        At once, if ``backend`` is not one of :data:`BACKENDS`, ``scheduler`` is given with
        ``"loky"`` or together with ``n_workers``, or ``n_workers`` is not a
        positive integer.
    OptionalDependencyError
        On entry, if Dask (``distributed``) or Ray is chosen but not installed.
    OSError
        On entry, if the Dask scheduler at ``scheduler`` cannot be reached.

    Notes
    -----
    The workers of a cluster started here get the one-thread environment variables
    (``OMP_NUM_THREADS``, ``OPENBLAS_NUM_THREADS``, ``MKL_NUM_THREADS``, ...) when they
    start. On a running Dask cluster, each worker's BLAS is limited with
    ``threadpoolctl`` when the block starts, and the workers need scikit-bridge
    installed (they do anyway to fit its estimators). On a running Ray cluster, the
    pool's actors get the environment variables through ``ray_remote_args``.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn.model_selection import GridSearchCV
    >>> from skbridge.config._backends import search_backend
    >>> X, y = load_iris(return_X_y=True)
    >>> search = GridSearchCV(LogisticRegression(max_iter=500), {"C": [0.1, 1.0]})
    >>> with search_backend("loky", n_workers=2) as info:
    ...     search = search.fit(X, y)
    >>> print(info)
    loky: 2 workers on this machine
    >>> round(search.best_score_, 3)
    0.973
    """
    name, scheduler, n_workers, level = _check_arguments(backend, scheduler, n_workers, verbose)
    return _run(name, scheduler, n_workers, level)


@contextmanager
def _run(name, scheduler, n_workers, level):
    """Start the backend, make it joblib's default for the block, stop it afterwards."""
    starter = {"loky": _loky, "dask": _dask, "ray": _ray}[name]
    with starter(scheduler, n_workers, level > 0) as (info, config):
        with joblib.parallel_config(verbose=level, **config):
            yield info


def _check_arguments(backend, scheduler, n_workers, verbose):
    """Validate :func:`search_backend`'s arguments; return them with verbose as a level."""
    if not isinstance(backend, str) or backend.lower() not in BACKENDS:
        raise ValueError(
            f"Unknown search backend {backend!r}: use one of {', '.join(BACKENDS)} "
            "(e.g. search.backend=dask)."
        )
    backend = backend.lower()
    if scheduler is not None:
        if backend == "loky":
            raise ValueError(
                f"scheduler={scheduler!r} was given with the loky backend, which runs on "
                "this machine only: choose backend='dask' or 'ray' to use a cluster, or "
                "drop scheduler."
            )
        if not isinstance(scheduler, str) or not scheduler.strip():
            raise ValueError(
                f"scheduler must be a cluster's address as a string, e.g. "
                f"'tcp://host:8786' (Dask) or 'auto' (Ray); got {scheduler!r}."
            )
        if n_workers is not None:
            raise ValueError(
                f"n_workers={n_workers!r} sizes a cluster this block starts, but "
                f"scheduler={scheduler!r} names a running one, which has its own workers: "
                "drop one of the two."
            )
    if n_workers is not None and (
        isinstance(n_workers, bool) or not isinstance(n_workers, Integral) or n_workers < 1
    ):
        raise ValueError(
            f"n_workers must be a positive integer (or None for one per core); got {n_workers!r}."
        )
    if isinstance(verbose, bool):
        level = 10 if verbose else 0
    elif isinstance(verbose, Integral) and verbose >= 0:
        level = int(verbose)
    else:
        raise ValueError(f"verbose must be a bool or a non-negative integer; got {verbose!r}.")
    return backend, scheduler, None if n_workers is None else int(n_workers), level


@contextmanager
def _loky(scheduler, n_workers, verbose):
    """Run on joblib's loky processes, each with one BLAS/OpenMP thread."""
    info = BackendInfo("loky", n_workers or joblib.cpu_count())
    yield info, {"backend": "loky", "n_jobs": n_workers or -1, "inner_max_num_threads": 1}


@contextmanager
def _dask(scheduler, n_workers, verbose):
    """A LocalCluster started here, or a Client of the scheduler at ``scheduler``."""
    distributed = import_optional("distributed", extra="distributed", purpose="search.backend=dask")
    with ExitStack() as stack:
        if scheduler is None:
            cluster = stack.enter_context(
                distributed.LocalCluster(
                    n_workers=n_workers,
                    threads_per_worker=1,
                    processes=True,
                    dashboard_address=":0",
                    silence_logs=logging.INFO if verbose else logging.WARNING,
                    env=dict(_ONE_THREAD_ENV),
                )
            )
            client = stack.enter_context(distributed.Client(cluster, set_as_default=False))
            dashboard = cluster.dashboard_link if importlib.util.find_spec("bokeh") else None
        else:
            try:
                client = distributed.Client(scheduler, set_as_default=False)
            except OSError as exc:
                raise OSError(
                    f"Could not reach the Dask scheduler at {scheduler!r} ({exc}). Start "
                    "one (`dask scheduler`, then `dask worker <address>` on each machine) "
                    "or drop search.scheduler to run on a local cluster."
                ) from exc
            stack.enter_context(client)  # closes the connection, not the cluster
            dashboard = client.dashboard_link or None
        # Explicit, whatever the cluster's configuration: BLAS at one thread per worker.
        client.run(_limit_threads)
        info = BackendInfo(
            "dask", len(client.nthreads()), client.scheduler.address, dashboard, client
        )
        yield info, {"backend": "dask", "client": client, "n_jobs": -1}


@contextmanager
def _ray(scheduler, n_workers, verbose):
    """A Ray instance started here, the cluster at ``scheduler``, or Ray as already set up."""
    try:
        ray = import_optional("ray", extra="ray", purpose="search.backend=ray")
        ray_joblib = import_optional("ray.util.joblib", extra="ray", purpose="search.backend=ray")
    except OptionalDependencyError as exc:
        raise OptionalDependencyError(
            f"search.backend=ray needs Ray, which could not be imported ({exc.__cause__}). "
            'Install it with: pip install "ray[default]"'
        ) from exc
    ray_joblib.register_ray()
    env = {"runtime_env": {"env_vars": dict(_ONE_THREAD_ENV)}}
    started = not ray.is_initialized()
    if started:
        options = {"address": scheduler} if scheduler else {"num_cpus": n_workers}
        context = ray.init(
            **options,
            **env,
            logging_level=logging.INFO if verbose else logging.WARNING,
            log_to_driver=verbose,
        )
        dashboard = getattr(context, "dashboard_url", None) or None
    else:
        dashboard = None
    try:
        if dashboard and "://" not in dashboard:
            dashboard = f"http://{dashboard}"
        info = BackendInfo(
            "ray",
            int(ray.cluster_resources().get("CPU", 0)),
            ray.get_runtime_context().gcs_address,
            dashboard,
        )
        yield info, {"backend": "ray", "n_jobs": -1, "ray_remote_args": env}
    finally:
        if started:
            ray.shutdown()


def _limit_threads():
    """Keep this process's BLAS and OpenMP at one thread (run on every Dask worker)."""
    from threadpoolctl import threadpool_limits  # a dependency of scikit-learn

    os.environ.update(_ONE_THREAD_ENV)
    threadpool_limits(limits=1)
