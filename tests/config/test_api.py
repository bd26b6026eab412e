import subprocess
import sys
import textwrap

import pytest

pytest.importorskip("hydra")

from hydra.core.global_hydra import GlobalHydra  # noqa: E402

from skbridge.config import compose, instantiate  # noqa: E402


def test_compose_and_instantiate_an_experiment():
    cfg = compose(["experiment=fastfood_digits", "model.C=0.5", "seed=3"])
    est = instantiate(cfg)
    assert [name for name, _ in est.steps] == ["min_max_scaler", "fastfood_sampler", "model"]
    assert est.get_params()["model__C"] == 0.5
    assert est.get_params()["fastfood_sampler__random_state"] == 3
    assert not GlobalHydra.instance().is_initialized()


def test_compose_inside_a_users_hydra_app(tmp_path):
    (tmp_path / "conf").mkdir()
    (tmp_path / "conf" / "app.yaml").write_text("lr: 0.1\nname: mine\n")
    (tmp_path / "app.py").write_text(textwrap.dedent("""
        import hydra
        from hydra.core.global_hydra import GlobalHydra
        from hydra.core.hydra_config import HydraConfig
        from omegaconf import OmegaConf
        from skbridge.config import compose, instantiate

        @hydra.main(version_base="1.3", config_path="conf", config_name="app")
        def app(cfg):
            inner = compose(["experiment=automunge_titanic", "model.C=2.0"])
            print("model", type(instantiate(inner)).__name__, inner.model.C)
            print("app", cfg.lr, cfg.name, HydraConfig.get().job.name)
            loader = GlobalHydra.instance().config_loader()
            print("search path", [p.path for p in loader.get_search_path().config_search_path
                                  if p.provider == "main"])
        app()
    """))
    out = subprocess.run([sys.executable, str(tmp_path / "app.py"), "lr=0.5",
                          f"hydra.run.dir={tmp_path / 'out'}"],
                         capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert "model Pipeline 2.0" in out.stdout
    assert "app 0.5 mine app" in out.stdout
    assert str(tmp_path / "conf") in out.stdout


def test_without_hydra_the_error_names_the_config_extra():
    code = textwrap.dedent("""
        import sys
        class NoHydra:
            def find_spec(self, name, path=None, target=None):
                if name.split('.')[0] in ('hydra', 'omegaconf'):
                    raise ModuleNotFoundError(f'No module named {name!r}', name=name)
        sys.meta_path.insert(0, NoHydra())
        from skbridge.compat import OptionalDependencyError
        try:
            import skbridge.config
        except OptionalDependencyError as exc:
            print(exc)
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert "pip install 'scikit-bridge[config]'" in out.stdout
