"""Local mirror server: answers real-source URLs from a HOST/PATH folder, with fault injection."""
