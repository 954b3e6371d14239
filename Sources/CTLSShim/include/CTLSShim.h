// OpenSSL calls that are macros, and so invisible to Swift: plain functions over them. Our code,
// not a package. The OpenSSL types are named by their struct tags (SSL is `struct ssl_st`), so
// this header needs no OpenSSL header and Swift sees the same OpaquePointer as through COpenSSL.
#ifndef CTLSSHIM_H
#define CTLSSHIM_H

#include <stddef.h>

struct ssl_st;
struct ssl_ctx_st;

/// SSL_CTX_set_min_proto_version(context, TLS1_2_VERSION): 1 on success.
int ctls_context_require_tls12(struct ssl_ctx_st *context);

/// SSL_CTX_set_mode: partial writes (SSL_write may send less than asked), a retried write whose
/// bytes have moved in memory (ACCEPT_MOVING_WRITE_BUFFER) and, when `release_buffers` is
/// nonzero, SSL_MODE_RELEASE_BUFFERS (an idle connection holds no read or write buffer).
void ctls_context_set_modes(struct ssl_ctx_st *context, int release_buffers);

/// SSL_CTX_set_options: SSL_OP_NO_RENEGOTIATION, and SSL_OP_CIPHER_SERVER_PREFERENCE when
/// `server_preference` is nonzero.
void ctls_context_set_options(struct ssl_ctx_st *context, int server_preference);

/// SSL_CTX_set_session_cache_mode(context, SSL_SESS_CACHE_SERVER): TLS 1.2 resumption by
/// session id (TLS 1.3 resumes with stateless tickets, on by default).
void ctls_context_enable_server_session_cache(struct ssl_ctx_st *context);

/// SSL_set_tlsext_host_name: the server name a client sends (SNI). 1 on success.
int ctls_set_server_name_indication(struct ssl_st *ssl, const char *name);

/// 1 when `error` (from ERR_get_error) is the SSL library's SSL_R_UNEXPECTED_EOF_WHILE_READING:
/// the peer closed the TCP connection without a close_notify (ERR_GET_LIB, ERR_GET_REASON).
int ctls_error_is_unexpected_eof(unsigned long error);

/// 1 when `error` is the SSL library's SSL_R_CERTIFICATE_VERIFY_FAILED: a client refused the
/// server's certificate (SSL_get_verify_result says why).
int ctls_error_is_certificate_verify_failed(unsigned long error);

/// Routes OpenSSL's allocations through a table that remembers each one's source line
/// (CRYPTO_set_mem_functions). Call before anything else uses OpenSSL: 1 on success. For
/// measurements only (linechat-tls-memory --by-site): every allocation takes a lock.
int ctls_track_allocations(void);

/// Allocations from here on are the ones `ctls_allocation_report` counts.
void ctls_count_allocations_from_now(void);

/// Writes into `out` OpenSSL's live counted allocations per `divisor` (per connection), the
/// `top` source lines with the most bytes first; returns the live counted bytes in all.
size_t ctls_allocation_report(size_t divisor, size_t top, char *out, size_t capacity);

#endif
