"""skorch's ``module__*`` parameter routing, without ``**kwargs``.

``set_params(module__depth=3)`` sets ``module_params["depth"]`` (likewise
``optimizer__*`` -> ``optimizer_params`` and ``loss__*`` / ``criterion__*`` ->
``loss_params``), so grids such as ``{"module__depth": [2, 3]}`` work in
``GridSearchCV`` while the constructor keeps explicit dict parameters, as
scikit-learn's rules (and ``clone``) need.
"""

__all__ = ["ROUTES", "RoutedParamsMixin"]

ROUTES = {"module": "module_params", "optimizer": "optimizer_params", "loss": "loss_params",
          "criterion": "loss_params"}
"""Prefix of a routed parameter -> the dict parameter it sets an entry of."""


class RoutedParamsMixin:
    """``get_params`` / ``set_params`` with routed ``prefix__name`` keys (see the module)."""

    def get_params(self, deep=True):
        """Parameters; with ``deep``, also ``module__x`` for each ``module_params["x"]``.

        The same holds for ``optimizer__`` and ``loss__``; ``clone`` uses
        ``deep=False`` and sees the dicts only.
        """
        params = super().get_params(deep=deep)
        if deep:
            for prefix in ("module", "optimizer", "loss"):
                routed = params.get(f"{prefix}_params")
                if isinstance(routed, dict):
                    params.update({f"{prefix}__{k}": v for k, v in routed.items()})
        return params

    def set_params(self, **params):
        """Set parameters; ``module__x=v`` sets ``module_params["x"] = v``.

        ``optimizer__x`` and ``loss__x`` (or skorch's ``criterion__x``) route to
        ``optimizer_params`` and ``loss_params`` the same way, so a grid such as
        ``{"module__hidden_units": [(64,), (128,)]}`` works in ``GridSearchCV``.
        The dicts are replaced, never changed in place.

        Returns
        -------
        self : estimator instance
        """
        plain, routed = {}, {}
        for key, value in params.items():
            prefix, sep, name = key.partition("__")
            if sep and prefix in ROUTES and name:
                routed.setdefault(ROUTES[prefix], {})[name] = value
            else:
                plain[key] = value
        super().set_params(**plain)
        for attr, updates in routed.items():
            current = getattr(self, attr)
            setattr(self, attr, {**(current if isinstance(current, dict) else {}), **updates})
        return self
