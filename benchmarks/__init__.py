"""Scale benchmarks: a synthetic database generator and the measurements of docs/performance.md."""
