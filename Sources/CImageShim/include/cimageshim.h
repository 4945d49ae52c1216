#ifndef CIMAGESHIM_H
#define CIMAGESHIM_H
/// Placeholder until this shim is written.
int sw_cimageshim_placeholder(void);
#endif
