"""Bulk runs: every PDF of an archive source (arXiv's S3 tars) judged on a Dask cluster."""
