//! Data for the tutorials: the MNIST IDX format and synthetic generators.
