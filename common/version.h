/* version.h - the one version string both programs print for -V/--version. */
#ifndef OK_VERSION_H
#define OK_VERSION_H

#define OK_VERSION "2.0.0"
#define OK_PROTOCOL_VERSION 1

#endif
