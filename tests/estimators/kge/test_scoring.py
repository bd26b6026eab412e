"""Scoring functions: fast paths equal the plain forward pass; the registry."""

import pytest

torch = pytest.importorskip("torch")

from skbridge.estimators.kge.scoring import scoring_registry  # noqa: E402


@pytest.mark.parametrize("name", ["transe", "distmult", "complex", "hole", "rotate", "conve"])
def test_scoring_fast_paths_match_forward(name):
    gen = torch.Generator().manual_seed(0)
    scorer = scoring_registry.make(name, k=12).eval()
    de, dr = scorer.entity_dim(), scorer.relation_dim()
    E = torch.randn(7, de, generator=gen)
    h, t = torch.randn(4, de, generator=gen), torch.randn(4, de, generator=gen)
    r = torch.randn(4, dr, generator=gen)
    with torch.no_grad():
        tails = scorer.score_tails(h, r, E)
        heads = scorer.score_heads(r, t, E)
        for j in range(7):
            Ej = E[j].expand(4, de)
            torch.testing.assert_close(tails[:, j], scorer(h, r, Ej), rtol=1e-4, atol=1e-4)
            torch.testing.assert_close(heads[:, j], scorer(Ej, r, t), rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("name", ["transe", "distmult", "complex", "hole", "rotate"])
@pytest.mark.parametrize("norm", [1, 2])
def test_match_rows_matches_match_with_gradients(name, norm):
    # the training loop scores each triple's corruptions with match_rows
    if name != "transe" and norm == 2:
        pytest.skip("norm is a TransE parameter")
    params = {"norm": norm} if name == "transe" else {}
    scorer = scoring_registry.make(name, params, k=6)
    gen = torch.Generator().manual_seed(0)
    de = scorer.entity_dim()
    q = torch.randn(5, de, generator=gen, dtype=torch.float64, requires_grad=True)
    C = torch.randn(5, 4, de, generator=gen, dtype=torch.float64, requires_grad=True)
    rows = scorer.match_rows(q, C)
    ref = scorer.match(q[:, None, :], C)
    assert rows.shape == (5, 4)
    torch.testing.assert_close(rows, ref)
    w = torch.randn(5, 4, generator=gen, dtype=torch.float64)
    g_rows = torch.autograd.grad((rows * w).sum(), (q, C))
    g_ref = torch.autograd.grad((ref * w).sum(), (q, C))
    for a, b in zip(g_rows, g_ref):
        torch.testing.assert_close(a, b)


def test_hole_is_circular_correlation():
    scorer = scoring_registry.make("HolE", k=5)
    gen = torch.Generator().manual_seed(1)
    h, r, t = (torch.randn(5, generator=gen, dtype=torch.float64) for _ in range(3))
    corr = torch.stack([sum(h[i] * t[(i + j) % 5] for i in range(5)) for j in range(5)])
    torch.testing.assert_close(scorer(h, r, t), (r * corr).sum())


def test_registry_builds_every_key():
    for key in scoring_registry.options:
        scoring_registry.make(key, k=8)
