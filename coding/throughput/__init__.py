"""Pure time-on-task and throughput arithmetic (no Django): interval unions, the checks on a
time report, splitting seconds by day, medians and shares. See coding/services/time_on_task.py
for how reports are stored."""
