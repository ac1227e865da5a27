"""Extract: PDF -> text per page, each PDF in a sandboxed worker process."""
