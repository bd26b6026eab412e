"""The training loop: its overridable steps, progress, the optimizers and the module."""

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from skbridge.estimators.kge import (  # noqa: E402
    ComplEx,
    ConvE,
    DistMult,
    HolE,
    RotatE,
    TransE,
)
from skbridge.estimators.kge.losses import PairwiseLoss  # noqa: E402
from skbridge.estimators.kge.training import (  # noqa: E402
    KGEModule,
    TrainingLoopMixin,
    optimizer_registry,
)


def test_optimizer_registry_builds_every_key():
    for key in optimizer_registry.options:
        optimizer_registry.make(key, {"lr": 0.01}, params=[torch.nn.Parameter(torch.zeros(2))])


@pytest.mark.parametrize("Model", [TransE, DistMult, ComplEx, HolE, RotatE, ConvE])
def test_verbose_shows_progress_and_default_is_silent(nations, capsys, Model):
    params = {"k": 8, "epochs": 2, "random_state": 0,
              "scoring_params": {"n_filters": 2} if Model is ConvE else None}
    Model(**params).fit(nations.train)
    assert capsys.readouterr() == ("", "")
    Model(verbose=True, **params).fit(nations.train)
    err = capsys.readouterr().err
    assert Model.__name__ in err and "2/2" in err and "loss=" in err


class CountingTransE(TransE):
    """Counts the calls of each step, and doubles the loss."""

    def run_single_epoch(self, triples, generator, batch_size):
        self.calls_["epoch"] = self.calls_.get("epoch", 0) + 1
        return super().run_single_epoch(triples, generator, batch_size)

    def train_step(self, batch, generator, batch_size):
        self.calls_["step"] = self.calls_.get("step", 0) + 1
        return super().train_step(batch, generator, batch_size)

    def get_loss(self, pos, neg, embeddings, batch_size):
        return 2 * super().get_loss(pos, neg, embeddings, batch_size)

    def validation_step(self, validation):
        self.calls_["validation"] = self.calls_.get("validation", 0) + 1
        return super().validation_step(validation)

    def _initialize(self, labels):
        super()._initialize(labels)
        self.calls_ = {}


def test_steps_are_overridable(nations):
    params = dict(k=8, eta=2, epochs=3, batch_size=400, random_state=0)
    plain = TransE(**params).fit(nations.train)
    counted = CountingTransE(**params, early_stopping=True,
                             early_stopping_params={"burn_in": 1, "check_interval": 1,
                                                    "patience": 10})
    counted.fit(nations.train, X_valid=nations.valid)
    n_batches = int(np.ceil(len(nations.train) / 400))
    assert counted.calls_ == {"epoch": 3, "step": 3 * n_batches, "validation": 3}
    # the same steps: the first epoch's loss is twice the plain one
    assert counted.history_[0] == pytest.approx(2 * plain.history_[0], rel=1e-5)
    assert isinstance(counted, TrainingLoopMixin)


@pytest.mark.parametrize("Model", [TransE, ConvE])
def test_score_batch_scores_positives_and_corruptions(nations, Model):
    model = Model(k=8, eta=3, epochs=1, random_state=0,
                  scoring_params={"n_filters": 2} if Model is ConvE else None).fit(nations.train)
    model.module_.eval()
    triples = torch.as_tensor(model.triples_[:5])
    h, r, t = triples.unbind(1)
    heads, new = model.corruption_.corrupt(h, r, t, 3, torch.Generator().manual_seed(0))
    with torch.no_grad():
        pos, neg, (ent_used, rel_used) = model.score_batch(h, r, t, heads, new)
        torch.testing.assert_close(pos, model.module_.score(h, r, t), rtol=1e-5, atol=1e-5)
        nh = torch.where(heads, new, h[:, None])
        nt = torch.where(heads, t[:, None], new)
        want = model.module_.score(nh, r[:, None].expand_as(nh), nt)
        torch.testing.assert_close(neg, want, rtol=1e-5, atol=1e-5)
    assert neg.shape == (5, 3) and rel_used.shape[0] == 5


def test_get_loss_rescales_the_short_last_batch():
    model = TransE()
    model.loss_, model.regularizer_ = PairwiseLoss(margin=1.0), None
    pos, neg = torch.zeros(2), torch.zeros(2, 3)
    assert float(model.get_loss(pos, neg, None, batch_size=2)) == 6.0
    assert float(model.get_loss(pos, neg, None, batch_size=4)) == 12.0


def test_diverging_loss_names_the_fix(nations):
    model = ComplEx(k=8, epochs=3, loss="pairwise", optimizer="sgd",
                    optimizer_params={"lr": 1e30}, random_state=0)
    with pytest.raises(FloatingPointError, match="lower the learning rate"):
        model.fit(nations.train)


def test_module_score_array_matches_score(small_model):
    idx = small_model.triples_[:50]
    got = small_model.module_.score_array(idx, batch_size=7)
    with torch.no_grad():
        want = small_model.module_.score(*torch.as_tensor(idx).unbind(1)).double().numpy()
    np.testing.assert_allclose(got, want, rtol=1e-6)
    assert isinstance(small_model.module_, KGEModule)
