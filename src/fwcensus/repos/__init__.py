"""Code repositories of papers: find the authors' own repository among a paper's links, read it
without executing anything, and decide from its files which frameworks it uses."""
