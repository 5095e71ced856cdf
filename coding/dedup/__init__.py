"""Pure logic for dataset events (no Django): scoring candidate pairs of reports that may be
the same real-world event, and resolving a dataset event's fields from its reports."""
