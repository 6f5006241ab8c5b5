//! Models of the tutorials: linear regression (MLE and Bayesian) and VAEs.
