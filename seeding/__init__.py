"""Demo data (``seed_demo``) and province-scale data (``seed_scale``): the one place that builds
records of every app, so it sits above all of them."""
