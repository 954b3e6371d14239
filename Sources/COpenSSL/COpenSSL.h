// OpenSSL 3, the system library (libssl-dev): only the TLS target imports it.
#ifndef COPENSSL_H
#define COPENSSL_H
// Hide what OpenSSL 3.0 deprecates (the low-level RSA_ and EC_KEY_ calls, the old verify-path
// setters), so a use of it is a compile error rather than a warning.
#define OPENSSL_API_COMPAT 30000
#define OPENSSL_NO_DEPRECATED
#include <openssl/ssl.h>
#include <openssl/err.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#endif
