#include <openssl/err.h>
#include <openssl/ssl.h>
#include "CTLSShim.h"

int ctls_context_require_tls12(SSL_CTX *context) {
    return (int)SSL_CTX_set_min_proto_version(context, TLS1_2_VERSION);
}

void ctls_context_set_modes(SSL_CTX *context, int release_buffers) {
    long mode = SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER;
    if (release_buffers) mode |= SSL_MODE_RELEASE_BUFFERS;
    SSL_CTX_set_mode(context, mode);
}

void ctls_context_set_options(SSL_CTX *context, int server_preference) {
    uint64_t options = SSL_OP_NO_RENEGOTIATION;
    if (server_preference) options |= SSL_OP_CIPHER_SERVER_PREFERENCE;
    SSL_CTX_set_options(context, options);
}

void ctls_context_enable_server_session_cache(SSL_CTX *context) {
    SSL_CTX_set_session_cache_mode(context, SSL_SESS_CACHE_SERVER);
}

int ctls_set_server_name_indication(SSL *ssl, const char *name) {
    return (int)SSL_set_tlsext_host_name(ssl, name);
}

int ctls_error_is_unexpected_eof(unsigned long error) {
    return ERR_GET_LIB(error) == ERR_LIB_SSL && ERR_GET_REASON(error) == SSL_R_UNEXPECTED_EOF_WHILE_READING;
}

int ctls_error_is_certificate_verify_failed(unsigned long error) {
    return ERR_GET_LIB(error) == ERR_LIB_SSL && ERR_GET_REASON(error) == SSL_R_CERTIFICATE_VERIFY_FAILED;
}
