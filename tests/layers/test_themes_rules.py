"""Map themes for idle land, per-mu class and availability."""

import numpy as np

import layers.themes_rules as tr_
from landapp import idle
from landapp.evaluation import fill_demo_metrics
from layers.themes import THEMES


def test_themes_are_registered():
    assert {"idle", "mu_class"} <= set(THEMES["parcels"])
    assert "availability" in THEMES["buildings"]


def test_idle_theme_classes_match_the_rules(demo_project):
    t = THEMES["parcels"]["idle"]
    df = demo_project.read_layer("parcels", columns=list(t.columns))
    cls = t.classify(df, demo_project)
    order = list(idle.ALL_STATUSES)
    n_idle = int(np.isin(cls.class_of, [order.index(idle.SUSPECTED), order.index(idle.RECLAIMABLE)]).sum())
    assert n_idle >= int((df["status"] == "闲置").sum())
    assert len(cls.fills) == len(cls.labels) == len(order) + 1


def test_mu_class_theme_unevaluated_then_classes(demo_project):
    t = THEMES["parcels"]["mu_class"]
    df = demo_project.read_layer("parcels", columns=list(t.columns))
    cls = t.classify(df, demo_project)
    if not demo_project.count("enterprise_metrics"):
        assert set(cls.class_of.tolist()) == {3}  # all "not evaluated"
        fill_demo_metrics(demo_project)
        cls = t.classify(df, demo_project)
    assert {0, 1, 2} <= set((cls.class_of % 4).tolist())
    assert (cls.class_of >= 4).any()  # some low-efficiency parcels outlined
    assert len(cls.legend_items) == 5


def test_availability_theme(demo_project):
    t = THEMES["buildings"]["availability"]
    df = demo_project.read_layer("buildings", columns=list(t.columns))
    cls = t.classify(df, demo_project)
    assert len(cls.class_of) == len(df) and len(set(cls.class_of.tolist())) >= 3
    assert tr_.AVAILABILITY[0][0] == 0.10
