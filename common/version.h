/* version.h - the one version and copyright line every program prints for -V/--version. */
#ifndef OK_VERSION_H
#define OK_VERSION_H

#define OK_VERSION "3.0.0"
#define OK_PROTOCOL_VERSION 1
/* The last line of every --version: LICENSE holds the same holder and the licence. */
#define OK_COPYRIGHT "Copyright (c) 2026 the okchat developers. MIT License: see LICENSE."

#endif
