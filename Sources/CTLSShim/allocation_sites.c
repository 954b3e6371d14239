// Counting OpenSSL's live allocations by source line, for linechat-tls-memory --by-site: which
// parts of OpenSSL's per-connection state an idle TLS connection keeps. Our code, not a package.
#include <openssl/crypto.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "CTLSShim.h"

enum { slots = 1 << 20, max_sites = 4096 };

typedef struct {
    void *pointer;
    size_t size;
    const char *file;
    int line;
    int counted;
} Allocation;

typedef struct {
    const char *file;
    int line;
    size_t bytes;
    size_t count;
} Site;

static Allocation *table;
static int counting;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static size_t slot_of(const void *pointer) { return ((size_t)pointer >> 4) * 2654435761u % slots; }

static void insert(void *pointer, size_t size, const char *file, int line) {
    if (pointer == NULL) return;
    size_t slot = slot_of(pointer);
    while (table[slot].pointer != NULL) slot = (slot + 1) % slots;
    table[slot] = (Allocation){pointer, size, file, line, counting};
}

static void remove_pointer(void *pointer) {
    if (pointer == NULL) return;
    size_t slot = slot_of(pointer);
    while (table[slot].pointer != pointer) {
        if (table[slot].pointer == NULL) return;  // allocated before tracking began
        slot = (slot + 1) % slots;
    }
    table[slot].pointer = NULL;
    // Linear probing: re-place the rest of the cluster so later look-ups still find them.
    for (size_t next = (slot + 1) % slots; table[next].pointer != NULL; next = (next + 1) % slots) {
        Allocation moved = table[next];
        table[next].pointer = NULL;
        size_t target = slot_of(moved.pointer);
        while (table[target].pointer != NULL) target = (target + 1) % slots;
        table[target] = moved;
    }
}

static void *tracked_malloc(size_t size, const char *file, int line) {
    void *pointer = malloc(size);
    pthread_mutex_lock(&lock);
    insert(pointer, size, file, line);
    pthread_mutex_unlock(&lock);
    return pointer;
}

static void *tracked_realloc(void *old, size_t size, const char *file, int line) {
    pthread_mutex_lock(&lock);
    remove_pointer(old);
    void *pointer = realloc(old, size);
    insert(pointer, size, file, line);
    pthread_mutex_unlock(&lock);
    return pointer;
}

static void tracked_free(void *pointer, const char *file, int line) {
    (void)file;
    (void)line;
    pthread_mutex_lock(&lock);
    remove_pointer(pointer);
    pthread_mutex_unlock(&lock);
    free(pointer);
}

int ctls_track_allocations(void) {
    table = calloc(slots, sizeof(Allocation));
    if (table == NULL) return 0;
    return CRYPTO_set_mem_functions(tracked_malloc, tracked_realloc, tracked_free);
}

void ctls_count_allocations_from_now(void) {
    pthread_mutex_lock(&lock);
    counting = 1;
    pthread_mutex_unlock(&lock);
}

static int by_bytes(const void *a, const void *b) {
    size_t left = ((const Site *)a)->bytes, right = ((const Site *)b)->bytes;
    return left < right ? 1 : left > right ? -1 : 0;
}

size_t ctls_allocation_report(size_t divisor, size_t top, char *out, size_t capacity) {
    static Site sites[max_sites];
    size_t site_count = 0, total = 0, allocations = 0;
    pthread_mutex_lock(&lock);
    for (size_t slot = 0; slot < slots; slot++) {
        Allocation *entry = &table[slot];
        if (entry->pointer == NULL || !entry->counted) continue;
        size_t index = 0;
        while (index < site_count && (sites[index].line != entry->line || strcmp(sites[index].file, entry->file) != 0))
            index++;
        if (index == site_count) {
            if (site_count == max_sites) continue;
            sites[site_count++] = (Site){entry->file, entry->line, 0, 0};
        }
        sites[index].bytes += entry->size;
        sites[index].count += 1;
        total += entry->size;
        allocations += 1;
    }
    pthread_mutex_unlock(&lock);
    qsort(sites, site_count, sizeof(Site), by_bytes);
    double per = divisor > 0 ? (double)divisor : 1;
    size_t used = (size_t)snprintf(out, capacity, "%9.1f B in %5.1f allocations: all of OpenSSL's live memory\n",
        total / per, allocations / per);
    for (size_t index = 0; index < site_count && index < top && used < capacity; index++) {
        used += (size_t)snprintf(out + used, capacity - used, "%9.1f B in %5.1f allocations: %s:%d\n",
            sites[index].bytes / per, sites[index].count / per, sites[index].file, sites[index].line);
    }
    return total;
}
