"""What the tests build on that the installed package does not carry: mirror builders of every
source and API the demo does not serve (``sites/``), and an S3 API on 127.0.0.1 (``s3_server``)."""
