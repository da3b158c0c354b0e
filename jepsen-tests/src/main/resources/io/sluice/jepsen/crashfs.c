/*
 * crashfs: the fault-injection suite's FUSE file system (LazyFS's idea). It passes every operation
 * through to a backing directory, but remembers what was written and not yet fsynced, so that a
 * simulated power loss can throw it away:
 *
 *  - data: for each file written, truncated or extended since its last fsync, the size it had then
 *    and the original bytes of every page it overwrote below that size (saved once, before the first
 *    overwrite). "drop" puts those pages back and cuts the file to that size: the file holds exactly
 *    its last fsynced content. "drop torn" keeps instead a random prefix of what was appended after
 *    the last fsync, ending inside a page, and sometimes zero-fills the rest of that page (a size
 *    that reached the disk before the data did).
 *  - directory entries: every create, mkdir, link, symlink, rename, unlink and rmdir since the last
 *    fsync of the directory holding the entry. "drop dirs" undoes them in reverse order (a removed or
 *    overwritten file is kept as a hard link in a stash directory until the entry is durable).
 *  - disk faults: "enospc on" makes writes fail with ENOSPC, "eio on" makes fsync fail with EIO (and
 *    commit nothing).
 *
 * Writes reach the backing file at once (reads need no overlay); what is remembered is how to undo
 * them. Control: one line per connection on a UNIX socket, answered with one line ("ok ..." or
 * "error ..."). Usage: crashfs BACKING STASH SOCKET MOUNTPOINT [fuse options]. Runs in its own
 * process, so killing the node whose data it holds leaves it, and what it remembers, alive.
 *
 * Thread-safety: libfuse calls from several threads; all bookkeeping, writes and the drop hold one
 * mutex. Reads go straight to the backing file.
 */
#define FUSE_USE_VERSION 31
#define _GNU_SOURCE
#include <fuse.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#define PAGE 4096L

struct page { long index; int len; char *bytes; };

/* A file (by backing inode) with un-fsynced changes. */
struct fstate {
    ino_t ino;
    int fd;              /* O_RDWR on the file, to undo even after it was closed, renamed or unlinked */
    off_t synced_size;   /* its size at its last fsync */
    struct page *pages;  /* original bytes of overwritten pages below synced_size, sorted by index */
    int npages, cap;
    struct fstate *next;
};

enum op_kind { OP_CREATE, OP_MKDIR, OP_RENAME, OP_UNLINK, OP_RMDIR };

/* A directory entry change not yet made durable by an fsync of its directory. */
struct dirop {
    enum op_kind kind;
    char *from, *to;     /* relative paths; "to" only for rename */
    ino_t parent;        /* the directory whose fsync makes it durable */
    char *stash;         /* hard link keeping a removed or overwritten file, or NULL */
    mode_t mode;
    struct dirop *next;  /* newest first */
};

static int root_fd, stash_fd;
static const char *socket_path;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static struct fstate *files;
static struct dirop *dirops;
static long stash_seq;
static int fail_enospc, fail_eio;

static const char *rel(const char *path) { return path[1] ? path + 1 : "."; }

static char *parent_of(const char *path) {
    char *p = strdup(rel(path));
    char *slash = strrchr(p, '/');
    if (slash) *slash = 0; else strcpy(p, ".");
    return p;
}

static ino_t ino_at(const char *relpath) {
    struct stat st;
    return fstatat(root_fd, relpath, &st, AT_SYMLINK_NOFOLLOW) == 0 ? st.st_ino : 0;
}

/* ---- data ---- */

static struct fstate *find_state(ino_t ino) {
    for (struct fstate *s = files; s; s = s->next) if (s->ino == ino) return s;
    return NULL;
}

/* The state of the file open as fd, made on its first change since its last fsync. */
static struct fstate *state_for(int fd) {
    struct stat st;
    if (fstat(fd, &st) != 0) return NULL;
    struct fstate *s = find_state(st.st_ino);
    if (s) return s;
    char proc[64];
    snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
    int own = open(proc, O_RDWR);
    if (own < 0) return NULL;
    s = calloc(1, sizeof *s);
    s->ino = st.st_ino;
    s->fd = own;
    s->synced_size = st.st_size;
    s->next = files;
    files = s;
    return s;
}

static int find_page(struct fstate *s, long index) {
    int lo = 0, hi = s->npages;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (s->pages[mid].index < index) lo = mid + 1; else hi = mid;
    }
    return lo;
}

/* Saves the durable bytes of every page in [from, to) that lies below the synced size. */
static int save_range(struct fstate *s, off_t from, off_t to) {
    if (to > s->synced_size) to = s->synced_size;
    if (from >= to) return 0;
    for (long p = from / PAGE; p * PAGE < to; p++) {
        int at = find_page(s, p);
        if (at < s->npages && s->pages[at].index == p) continue;
        off_t start = p * PAGE;
        int len = (int) ((s->synced_size - start) < PAGE ? (s->synced_size - start) : PAGE);
        char *bytes = malloc(len);
        ssize_t got = pread(s->fd, bytes, len, start);
        if (got < 0) { free(bytes); return -errno; }
        if (got < len) memset(bytes + got, 0, len - got); /* shrunk by an unsynced truncate already saved */
        if (s->npages == s->cap) {
            s->cap = s->cap ? 2 * s->cap : 8;
            s->pages = realloc(s->pages, s->cap * sizeof *s->pages);
        }
        memmove(s->pages + at + 1, s->pages + at, (s->npages - at) * sizeof *s->pages);
        s->pages[at] = (struct page) { p, len, bytes };
        s->npages++;
    }
    return 0;
}

static void free_state(struct fstate *s) {
    for (int i = 0; i < s->npages; i++) free(s->pages[i].bytes);
    free(s->pages);
    close(s->fd);
    free(s);
}

/* fsync succeeded: the file's current content is durable. */
static void commit_file(int fd) {
    struct stat st;
    if (fstat(fd, &st) != 0) return;
    for (struct fstate **p = &files; *p; p = &(*p)->next) {
        if ((*p)->ino == st.st_ino) {
            struct fstate *s = *p;
            *p = s->next;
            free_state(s);
            return;
        }
    }
}

/*
 * Undoes a file's un-fsynced changes. With torn, what was appended after the last fsync survives up
 * to a random byte (so the last page is torn), and half the time the rest of that page reads as
 * zeros (the new size reached the disk, that page's data did not).
 */
static void revert_file(struct fstate *s, int torn, unsigned *seed) {
    struct stat st;
    off_t size = fstat(s->fd, &st) == 0 ? st.st_size : s->synced_size;
    off_t keep = s->synced_size;
    off_t zero_to = keep;
    if (torn && size > s->synced_size) {
        keep = s->synced_size + (off_t) (rand_r(seed) % (unsigned long) (size - s->synced_size + 1));
        off_t page_end = (keep + PAGE - 1) / PAGE * PAGE;
        zero_to = rand_r(seed) % 2 ? (page_end < size ? page_end : size) : keep;
    }
    if (ftruncate(s->fd, keep) != 0) return;
    for (int i = 0; i < s->npages; i++) {
        if (pwrite(s->fd, s->pages[i].bytes, s->pages[i].len, s->pages[i].index * PAGE) < 0) return;
    }
    if (zero_to > keep && ftruncate(s->fd, zero_to) != 0) return;
}

/* ---- directory entries ---- */

static void record(enum op_kind kind, const char *from, const char *to, const char *stash, mode_t mode) {
    struct dirop *op = calloc(1, sizeof *op);
    op->kind = kind;
    op->from = strdup(rel(from));
    op->to = to ? strdup(rel(to)) : NULL;
    char *parent = parent_of(to ? to : from);
    op->parent = ino_at(parent);
    free(parent);
    op->stash = stash ? strdup(stash) : NULL;
    op->mode = mode;
    op->next = dirops;
    dirops = op;
}

static void free_op(struct dirop *op) {
    if (op->stash) unlinkat(stash_fd, op->stash, 0);
    free(op->from);
    free(op->to);
    free(op->stash);
    free(op);
}

/* Keeps the file at relpath alive under a new name in the stash; the name, or NULL if none. */
static char *stash_file(const char *relpath) {
    struct stat st;
    if (fstatat(root_fd, relpath, &st, AT_SYMLINK_NOFOLLOW) != 0 || S_ISDIR(st.st_mode)) return NULL;
    char name[32];
    snprintf(name, sizeof name, "%ld", ++stash_seq);
    if (linkat(root_fd, relpath, stash_fd, name, 0) != 0) return NULL;
    return strdup(name);
}

static void remove_tree(int dirfd, const char *name) {
    int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
    if (fd >= 0) {
        DIR *d = fdopendir(fd);
        struct dirent *e;
        while (d && (e = readdir(d))) {
            if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) remove_tree(fd, e->d_name);
        }
        if (d) closedir(d); else close(fd);
        unlinkat(dirfd, name, AT_REMOVEDIR);
    } else {
        unlinkat(dirfd, name, 0);
    }
}

static void undo(struct dirop *op) {
    static const char *names[] = { "create", "mkdir", "rename", "unlink", "rmdir" };
    /* the log says which entries a power loss took, to tell a node's recovery what it had to face */
    fprintf(stderr, "crashfs: undo %s %s%s%s\n", names[op->kind], op->from, op->to ? " -> " : "", op->to ? op->to : "");
    switch (op->kind) {
    case OP_CREATE: unlinkat(root_fd, op->from, 0); break;
    case OP_MKDIR: remove_tree(root_fd, op->from); break;
    case OP_RENAME:
        renameat(root_fd, op->to, root_fd, op->from);
        if (op->stash) linkat(stash_fd, op->stash, root_fd, op->to, 0);
        break;
    case OP_UNLINK: if (op->stash) linkat(stash_fd, op->stash, root_fd, op->from, 0); break;
    case OP_RMDIR: mkdirat(root_fd, op->from, op->mode); break;
    }
}

/* fsyncdir succeeded: every entry change in that directory is durable. */
static void commit_dir(ino_t dir) {
    for (struct dirop **p = &dirops; *p;) {
        if ((*p)->parent == dir) {
            struct dirop *op = *p;
            *p = op->next;
            free_op(op);
        } else {
            p = &(*p)->next;
        }
    }
}

/* The power loss: every file back to its fsynced content, and with dirs every entry change undone. */
static void drop(int torn, int dirs, unsigned seed, char *reply, size_t len) {
    int nfiles = 0, npages = 0, nops = 0;
    while (files) {
        struct fstate *s = files;
        files = s->next;
        revert_file(s, torn, &seed);
        nfiles++;
        npages += s->npages;
        free_state(s);
    }
    while (dirops) {
        struct dirop *op = dirops;
        dirops = op->next;
        if (dirs) {
            undo(op);
            nops++;
        }
        free_op(op);
    }
    snprintf(reply, len, "ok dropped files=%d pages=%d entries=%d\n", nfiles, npages, nops);
    fprintf(stderr, "crashfs: drop%s%s: %s", torn ? " torn" : "", dirs ? " dirs" : "", reply + 3);
    fflush(stderr);
}

/* ---- file system operations ---- */

static int err(int r) { return r < 0 ? -errno : r; }

static int cfs_getattr(const char *path, struct stat *st, struct fuse_file_info *fi) {
    if (fi) return err(fstat(fi->fh, st));
    return err(fstatat(root_fd, rel(path), st, AT_SYMLINK_NOFOLLOW));
}

static int cfs_access(const char *path, int mask) { return err(faccessat(root_fd, rel(path), mask, 0)); }

static int cfs_readlink(const char *path, char *buf, size_t size) {
    ssize_t n = readlinkat(root_fd, rel(path), buf, size - 1);
    if (n < 0) return -errno;
    buf[n] = 0;
    return 0;
}

static int cfs_readdir(const char *path, void *buf, fuse_fill_dir_t fill, off_t off, struct fuse_file_info *fi,
                       enum fuse_readdir_flags flags) {
    (void) off; (void) fi; (void) flags;
    int fd = openat(root_fd, rel(path), O_RDONLY | O_DIRECTORY);
    if (fd < 0) return -errno;
    DIR *d = fdopendir(fd);
    if (!d) { close(fd); return -errno; }
    struct dirent *e;
    while ((e = readdir(d))) {
        struct stat st = { .st_ino = e->d_ino, .st_mode = (mode_t) (e->d_type << 12) };
        if (fill(buf, e->d_name, &st, 0, 0)) break;
    }
    closedir(d);
    return 0;
}

static int cfs_mkdir(const char *path, mode_t mode) {
    pthread_mutex_lock(&mu);
    int r = err(mkdirat(root_fd, rel(path), mode));
    if (r == 0) record(OP_MKDIR, path, NULL, NULL, mode);
    pthread_mutex_unlock(&mu);
    return r;
}

static int cfs_unlink(const char *path) {
    pthread_mutex_lock(&mu);
    char *stash = stash_file(rel(path));
    int r = err(unlinkat(root_fd, rel(path), 0));
    if (r == 0) record(OP_UNLINK, path, NULL, stash, 0);
    else if (stash) unlinkat(stash_fd, stash, 0);
    free(stash);
    pthread_mutex_unlock(&mu);
    return r;
}

static int cfs_rmdir(const char *path) {
    pthread_mutex_lock(&mu);
    struct stat st;
    mode_t mode = fstatat(root_fd, rel(path), &st, 0) == 0 ? st.st_mode & 07777 : 0755;
    int r = err(unlinkat(root_fd, rel(path), AT_REMOVEDIR));
    if (r == 0) record(OP_RMDIR, path, NULL, NULL, mode);
    pthread_mutex_unlock(&mu);
    return r;
}

static int cfs_symlink(const char *target, const char *path) {
    pthread_mutex_lock(&mu);
    int r = err(symlinkat(target, root_fd, rel(path)));
    if (r == 0) record(OP_CREATE, path, NULL, NULL, 0);
    pthread_mutex_unlock(&mu);
    return r;
}

static int cfs_link(const char *from, const char *to) {
    pthread_mutex_lock(&mu);
    int r = err(linkat(root_fd, rel(from), root_fd, rel(to), 0));
    if (r == 0) record(OP_CREATE, to, NULL, NULL, 0);
    pthread_mutex_unlock(&mu);
    return r;
}

static int cfs_rename(const char *from, const char *to, unsigned int flags) {
    if (flags & RENAME_EXCHANGE) return -EINVAL; /* not used by the JVM; undoing it is not modelled */
    pthread_mutex_lock(&mu);
    char *stash = stash_file(rel(to));
    int r = err(renameat2(root_fd, rel(from), root_fd, rel(to), flags));
    if (r == 0) record(OP_RENAME, from, to, stash, 0);
    else if (stash) unlinkat(stash_fd, stash, 0);
    free(stash);
    pthread_mutex_unlock(&mu);
    return r;
}

static int cfs_chmod(const char *path, mode_t mode, struct fuse_file_info *fi) {
    if (fi) return err(fchmod(fi->fh, mode));
    return err(fchmodat(root_fd, rel(path), mode, 0));
}

static int cfs_chown(const char *path, uid_t uid, gid_t gid, struct fuse_file_info *fi) {
    if (fi) return err(fchown(fi->fh, uid, gid));
    return err(fchownat(root_fd, rel(path), uid, gid, AT_SYMLINK_NOFOLLOW));
}

/* A size change, remembered: the bytes a shrink cuts off below the synced size are saved first. */
static int truncate_fd(int fd, off_t size) {
    struct fstate *s = state_for(fd);
    if (!s) return -errno;
    struct stat st;
    if (fstat(fd, &st) != 0) return -errno;
    if (size < st.st_size) {
        int r = save_range(s, size, st.st_size);
        if (r) return r;
    } else if (fail_enospc && size > st.st_size) {
        return -ENOSPC;
    }
    return err(ftruncate(fd, size));
}

static int cfs_truncate(const char *path, off_t size, struct fuse_file_info *fi) {
    pthread_mutex_lock(&mu);
    int r;
    if (fi) {
        r = truncate_fd(fi->fh, size);
    } else {
        int fd = openat(root_fd, rel(path), O_RDWR);
        r = fd < 0 ? -errno : truncate_fd(fd, size);
        if (fd >= 0) close(fd);
    }
    pthread_mutex_unlock(&mu);
    return r;
}

static int cfs_utimens(const char *path, const struct timespec tv[2], struct fuse_file_info *fi) {
    if (fi) return err(futimens(fi->fh, tv));
    return err(utimensat(root_fd, rel(path), tv, AT_SYMLINK_NOFOLLOW));
}

static int open_file(const char *path, int flags, mode_t mode, struct fuse_file_info *fi, int create) {
    pthread_mutex_lock(&mu);
    int existed = faccessat(root_fd, rel(path), F_OK, AT_SYMLINK_NOFOLLOW) == 0;
    int fd = openat(root_fd, rel(path), flags & ~O_TRUNC, mode);
    int r = fd < 0 ? -errno : 0;
    if (r == 0 && (flags & O_TRUNC) && (flags & O_ACCMODE) != O_RDONLY) r = truncate_fd(fd, 0);
    if (r == 0 && create && !existed) record(OP_CREATE, path, NULL, NULL, 0);
    pthread_mutex_unlock(&mu);
    if (r < 0) {
        if (fd >= 0) close(fd);
        return r;
    }
    fi->fh = fd;
    return 0;
}

static int cfs_create(const char *path, mode_t mode, struct fuse_file_info *fi) {
    return open_file(path, fi->flags | O_CREAT, mode, fi, 1);
}

static int cfs_open(const char *path, struct fuse_file_info *fi) { return open_file(path, fi->flags, 0, fi, 0); }

static int cfs_read(const char *path, char *buf, size_t size, off_t off, struct fuse_file_info *fi) {
    (void) path;
    return err((int) pread(fi->fh, buf, size, off));
}

static int cfs_write(const char *path, const char *buf, size_t size, off_t off, struct fuse_file_info *fi) {
    (void) path;
    pthread_mutex_lock(&mu);
    int r;
    struct fstate *s;
    if (fail_enospc) {
        r = -ENOSPC;
    } else if (!(s = state_for(fi->fh))) {
        r = -errno;
    } else {
        if (fi->flags & O_APPEND) {
            struct stat st;
            off = fstat(fi->fh, &st) == 0 ? st.st_size : off;
        }
        r = save_range(s, off, off + (off_t) size);
        if (r == 0) r = err((int) pwrite(fi->fh, buf, size, off));
    }
    pthread_mutex_unlock(&mu);
    return r;
}

static int cfs_statfs(const char *path, struct statvfs *st) {
    (void) path;
    return err(fstatvfs(root_fd, st));
}

static int cfs_flush(const char *path, struct fuse_file_info *fi) {
    (void) path;
    int fd = dup(fi->fh); /* close(dup) reports errors of the close to come, as the passthrough example */
    return fd < 0 ? -errno : err(close(fd));
}

static int cfs_release(const char *path, struct fuse_file_info *fi) {
    (void) path;
    close(fi->fh);
    return 0;
}

static int cfs_fsync(const char *path, int datasync, struct fuse_file_info *fi) {
    (void) path; (void) datasync;
    pthread_mutex_lock(&mu);
    int r = fail_eio ? -EIO : 0;
    if (r == 0) commit_file(fi->fh); /* the backing file need not reach its disk: only this layer crashes */
    pthread_mutex_unlock(&mu);
    return r;
}

static int cfs_fsyncdir(const char *path, int datasync, struct fuse_file_info *fi) {
    (void) datasync; (void) fi;
    pthread_mutex_lock(&mu);
    int r = fail_eio ? -EIO : 0;
    if (r == 0) commit_dir(ino_at(rel(path)));
    pthread_mutex_unlock(&mu);
    return r;
}

static int cfs_fallocate(const char *path, int mode, off_t off, off_t len, struct fuse_file_info *fi) {
    (void) path;
    pthread_mutex_lock(&mu);
    int r = fail_enospc ? -ENOSPC : 0;
    if (r == 0 && mode != 0) r = -EOPNOTSUPP; /* punching holes would need its pages saved */
    if (r == 0 && !state_for(fi->fh)) r = -errno;
    if (r == 0) r = -posix_fallocate(fi->fh, off, len);
    pthread_mutex_unlock(&mu);
    return r;
}

/* ---- control ---- */

static void command(char *line, char *reply, size_t len) {
    line[strcspn(line, "\r\n")] = 0;
    char *words[4] = {0};
    int n = 0;
    for (char *w = strtok(line, " "); w && n < 4; w = strtok(NULL, " ")) words[n++] = w;
    pthread_mutex_lock(&mu);
    if (n >= 1 && !strcmp(words[0], "drop")) {
        int torn = 0, dirs = 0;
        unsigned seed = 1;
        for (int i = 1; i < n; i++) {
            if (!strcmp(words[i], "torn")) torn = 1;
            else if (!strcmp(words[i], "dirs")) dirs = 1;
            else seed = (unsigned) strtoul(words[i], NULL, 10);
        }
        drop(torn, dirs, seed, reply, len);
    } else if (n == 2 && (!strcmp(words[0], "enospc") || !strcmp(words[0], "eio"))
               && (!strcmp(words[1], "on") || !strcmp(words[1], "off"))) {
        *(!strcmp(words[0], "eio") ? &fail_eio : &fail_enospc) = !strcmp(words[1], "on");
        snprintf(reply, len, "ok %s %s\n", words[0], words[1]);
    } else if (n == 1 && !strcmp(words[0], "status")) {
        int nfiles = 0, npages = 0, nops = 0;
        for (struct fstate *s = files; s; s = s->next) { nfiles++; npages += s->npages; }
        for (struct dirop *op = dirops; op; op = op->next) nops++;
        snprintf(reply, len, "ok unsynced files=%d pages=%d entries=%d enospc=%d eio=%d\n", nfiles, npages, nops,
                 fail_enospc, fail_eio);
    } else {
        snprintf(reply, len, "error unknown command; use drop [torn] [dirs] [SEED], enospc on|off, eio on|off, status\n");
    }
    pthread_mutex_unlock(&mu);
}

static void *control_loop(void *arg) {
    int server = (int) (long) arg;
    for (;;) {
        int c = accept(server, NULL, NULL);
        if (c < 0) continue;
        char line[256] = {0}, reply[256];
        ssize_t n = 0, got;
        while (n < (ssize_t) sizeof line - 1 && (got = read(c, line + n, sizeof line - 1 - n)) > 0) {
            n += got;
            if (memchr(line, '\n', n)) break;
        }
        command(line, reply, sizeof reply);
        if (write(c, reply, strlen(reply)) < 0) { /* the caller went away: nothing to tell */ }
        close(c);
    }
    return NULL;
}

static void *cfs_init(struct fuse_conn_info *conn, struct fuse_config *cfg) {
    (void) conn;
    cfg->use_ino = 1;
    /* no kernel caching of names or attributes: a drop changes sizes and entries underneath */
    cfg->entry_timeout = 0;
    cfg->attr_timeout = 0;
    cfg->negative_timeout = 0;
    cfg->kernel_cache = 0;
    return NULL;
}

static const struct fuse_operations ops = {
    .init = cfs_init, .getattr = cfs_getattr, .access = cfs_access, .readlink = cfs_readlink,
    .readdir = cfs_readdir, .mkdir = cfs_mkdir, .unlink = cfs_unlink, .rmdir = cfs_rmdir,
    .symlink = cfs_symlink, .link = cfs_link, .rename = cfs_rename, .chmod = cfs_chmod, .chown = cfs_chown,
    .truncate = cfs_truncate, .utimens = cfs_utimens, .open = cfs_open, .create = cfs_create,
    .read = cfs_read, .write = cfs_write, .statfs = cfs_statfs, .flush = cfs_flush, .release = cfs_release,
    .fsync = cfs_fsync, .fsyncdir = cfs_fsyncdir, .fallocate = cfs_fallocate,
};

int main(int argc, char **argv) {
    if (argc < 5) {
        fprintf(stderr, "usage: crashfs BACKING STASH SOCKET MOUNTPOINT [fuse options]\n");
        return 2;
    }
    root_fd = open(argv[1], O_RDONLY | O_DIRECTORY);
    stash_fd = open(argv[2], O_RDONLY | O_DIRECTORY);
    if (root_fd < 0 || stash_fd < 0) {
        perror("crashfs: backing or stash directory");
        return 2;
    }
    socket_path = argv[3];
    int server = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    snprintf(addr.sun_path, sizeof addr.sun_path, "%s", socket_path);
    unlink(socket_path);
    if (server < 0 || bind(server, (struct sockaddr *) &addr, sizeof addr) != 0 || listen(server, 8) != 0) {
        perror("crashfs: control socket");
        return 2;
    }
    pthread_t control;
    pthread_create(&control, NULL, control_loop, (void *) (long) server);
    umask(0);
    /* fuse_main gets: program name, mount point, and the rest (e.g. -f) */
    return fuse_main(argc - 3, argv + 3, &ops, NULL);
}
