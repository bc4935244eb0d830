"""Preference optimisation of language models: DPO, SimPO and ORPO (one term per pair)."""
