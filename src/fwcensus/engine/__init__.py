"""Where work runs: a process pool on one machine (extract/pool.py), a Dask cluster beyond."""
