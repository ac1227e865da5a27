from fwcensus.cli import app

app(prog_name="fwcensus")
