"""Contact only those who need it: risk and self-cure models, strategy, plan and simulator.

Pure: no Django, no apps, no clock. Modules are imported on their own so that reading a
strategy or mapping a ledger never loads LightGBM:

- `columns`, `dataset`, `features`: the input columns, reading them, the features;
- `training`, `model`, `metrics`, `evaluation`, `fairness`: train (the ``ml`` extra),
  load, score and judge the models;
- `reasons`: reason codes in plain words from the model's own contributions;
- `strategy`: the strategy table (YAML per rule pack) that gives each overdue account a
  treatment;
- `ledger`: a Tactful loan's ledger as the model's input columns;
- `daily`: the day's plan, through the gate's batch planner;
- `simulation`, `chart`: the what-if simulator.

docs/screening.md describes the data, the features, the metrics and the limits.
"""
