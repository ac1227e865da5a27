"""What ``fwcensus demo`` serves: mirror builders that write CVF's listings, GitHub repositories
and every signal API's answers in their real structure, with the demo's own content."""
