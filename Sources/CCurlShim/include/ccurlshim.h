#ifndef CCURLSHIM_H
#define CCURLSHIM_H
/// Placeholder until this shim is written.
int sw_ccurlshim_placeholder(void);
#endif
