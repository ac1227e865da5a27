"""Report: the HTML report with charts, and the exports of every table."""
