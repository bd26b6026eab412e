"""drift_report: reference statistics against new data."""

from skbridge.transformers.munge import AutoMunger


def test_drift_report_flags_shift_and_passes_same_data(penguins):
    munger = AutoMunger().fit(penguins)
    same = munger.drift_report(penguins)
    assert not same["drift"].any()
    assert (same["psi"].dropna() < 0.01).all()
    shifted = penguins.copy()
    shifted["body_mass_g"] = shifted["body_mass_g"] + 1500
    shifted.loc[:100, "sex"] = None
    report = munger.drift_report(shifted).set_index("column")
    assert report.loc["body_mass_g", "drift"] and report.loc["body_mass_g", "ks"] > 0.5
    assert report.loc["sex", "drift"] and report.loc["sex", "nan_rate_new"] > 0.25
    assert not report.loc["island", "drift"]
