/*
 * pausefs: a FUSE pass-through file system that a test can pause for chosen processes, to simulate a
 * shared data directory that hangs for one node while the other node still reaches it.
 *
 * Usage: pausefs SOURCE_DIR PAUSE_FILE MOUNT_POINT [FUSE options, e.g. -f]
 *
 * Every operation first reads PAUSE_FILE, which lists process ids, one per line. While it lists the
 * caller or the caller's parent, the operation blocks and checks again every 20 ms. Other callers pass.
 * A node daemon's workers are its children, so listing the daemon's pid pauses the whole node.
 * Build: gcc -Wall -O2 pausefs.c $(pkg-config fuse3 --cflags --libs) -o pausefs
 */
#define FUSE_USE_VERSION 31
#define _GNU_SOURCE

#include <fuse.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static char source_dir[PATH_MAX];
static char pause_file[PATH_MAX];

/* Full path of a file in the source directory. */
static void real_path(char out[PATH_MAX], const char *path) {
    snprintf(out, PATH_MAX, "%s%s", source_dir, path);
}

/* Reads a "Name:\tvalue" number from /proc/PID/status, or returns -1. */
static long status_field(long pid, const char *name) {
    char file[64];
    char line[256];
    long value = -1;
    size_t len = strlen(name);
    snprintf(file, sizeof file, "/proc/%ld/status", pid);
    FILE *f = fopen(file, "r");
    if (f == NULL) {
        return -1;
    }
    while (fgets(line, sizeof line, f) != NULL) {
        if (strncmp(line, name, len) == 0 && line[len] == ':') {
            value = strtol(line + len + 1, NULL, 10);
            break;
        }
    }
    fclose(f);
    return value;
}

/* Tells whether the pause file lists the calling process or its parent. */
static int caller_paused(void) {
    FILE *f = fopen(pause_file, "r");
    if (f == NULL) {
        return 0;
    }
    long thread = fuse_get_context()->pid;
    long process = status_field(thread, "Tgid");
    long parent = status_field(process > 0 ? process : thread, "PPid");
    long listed;
    int paused = 0;
    while (fscanf(f, "%ld", &listed) == 1) {
        if (listed == thread || listed == process || listed == parent) {
            paused = 1;
            break;
        }
    }
    fclose(f);
    return paused;
}

/* Blocks while the caller is paused. */
static void gate(void) {
    struct timespec step = {0, 20 * 1000 * 1000};
    while (caller_paused()) {
        nanosleep(&step, NULL);
    }
}

#define REAL(var, path) char var[PATH_MAX]; gate(); real_path(var, path)

static void *pf_init(struct fuse_conn_info *conn, struct fuse_config *cfg) {
    (void) conn;
    /* Real inode numbers, so that hard links and identity checks get the source's inodes. No caching,
       so that every node reads every change at once. */
    cfg->use_ino = 1;
    cfg->hard_remove = 1;
    cfg->entry_timeout = 0;
    cfg->attr_timeout = 0;
    cfg->negative_timeout = 0;
    return NULL;
}

static int pf_getattr(const char *path, struct stat *st, struct fuse_file_info *fi) {
    gate();
    if (fi != NULL) {
        return fstat((int) fi->fh, st) == -1 ? -errno : 0;
    }
    char p[PATH_MAX];
    real_path(p, path);
    return lstat(p, st) == -1 ? -errno : 0;
}

static int pf_access(const char *path, int mask) {
    REAL(p, path);
    return access(p, mask) == -1 ? -errno : 0;
}

static int pf_readlink(const char *path, char *buf, size_t size) {
    REAL(p, path);
    ssize_t n = readlink(p, buf, size - 1);
    if (n == -1) {
        return -errno;
    }
    buf[n] = '\0';
    return 0;
}

static int pf_readdir(const char *path, void *buf, fuse_fill_dir_t filler, off_t offset, struct fuse_file_info *fi,
        enum fuse_readdir_flags flags) {
    (void) offset; (void) fi; (void) flags;
    REAL(p, path);
    DIR *dir = opendir(p);
    if (dir == NULL) {
        return -errno;
    }
    struct dirent *e;
    while ((e = readdir(dir)) != NULL) {
        struct stat st;
        memset(&st, 0, sizeof st);
        st.st_ino = e->d_ino;
        st.st_mode = e->d_type << 12;
        if (filler(buf, e->d_name, &st, 0, 0)) {
            break;
        }
    }
    closedir(dir);
    return 0;
}

static int pf_mkdir(const char *path, mode_t mode) { REAL(p, path); return mkdir(p, mode) == -1 ? -errno : 0; }
static int pf_unlink(const char *path) { REAL(p, path); return unlink(p) == -1 ? -errno : 0; }
static int pf_rmdir(const char *path) { REAL(p, path); return rmdir(p) == -1 ? -errno : 0; }
static int pf_chmod(const char *path, mode_t mode, struct fuse_file_info *fi) { (void) fi; REAL(p, path); return chmod(p, mode) == -1 ? -errno : 0; }

static int pf_symlink(const char *from, const char *to) {
    REAL(p, to);
    return symlink(from, p) == -1 ? -errno : 0;
}

static int pf_rename(const char *from, const char *to, unsigned int flags) {
    char f[PATH_MAX];
    char t[PATH_MAX];
    gate();
    real_path(f, from);
    real_path(t, to);
    return renameat2(AT_FDCWD, f, AT_FDCWD, t, flags) == -1 ? -errno : 0;
}

static int pf_link(const char *from, const char *to) {
    char f[PATH_MAX];
    char t[PATH_MAX];
    gate();
    real_path(f, from);
    real_path(t, to);
    return link(f, t) == -1 ? -errno : 0;
}

static int pf_chown(const char *path, uid_t uid, gid_t gid, struct fuse_file_info *fi) {
    (void) fi;
    REAL(p, path);
    return lchown(p, uid, gid) == -1 ? -errno : 0;
}

static int pf_truncate(const char *path, off_t size, struct fuse_file_info *fi) {
    gate();
    if (fi != NULL) {
        return ftruncate((int) fi->fh, size) == -1 ? -errno : 0;
    }
    char p[PATH_MAX];
    real_path(p, path);
    return truncate(p, size) == -1 ? -errno : 0;
}

static int pf_utimens(const char *path, const struct timespec ts[2], struct fuse_file_info *fi) {
    gate();
    if (fi != NULL) {
        return futimens((int) fi->fh, ts) == -1 ? -errno : 0;
    }
    char p[PATH_MAX];
    real_path(p, path);
    return utimensat(AT_FDCWD, p, ts, AT_SYMLINK_NOFOLLOW) == -1 ? -errno : 0;
}

static int pf_create(const char *path, mode_t mode, struct fuse_file_info *fi) {
    REAL(p, path);
    int fd = open(p, fi->flags, mode);
    if (fd == -1) {
        return -errno;
    }
    fi->fh = fd;
    return 0;
}

static int pf_open(const char *path, struct fuse_file_info *fi) {
    REAL(p, path);
    int fd = open(p, fi->flags);
    if (fd == -1) {
        return -errno;
    }
    fi->fh = fd;
    return 0;
}

static int pf_read(const char *path, char *buf, size_t size, off_t offset, struct fuse_file_info *fi) {
    (void) path;
    gate();
    ssize_t n = pread((int) fi->fh, buf, size, offset);
    return n == -1 ? -errno : (int) n;
}

static int pf_write(const char *path, const char *buf, size_t size, off_t offset, struct fuse_file_info *fi) {
    (void) path;
    gate();
    ssize_t n = pwrite((int) fi->fh, buf, size, offset);
    return n == -1 ? -errno : (int) n;
}

static int pf_statfs(const char *path, struct statvfs *st) {
    REAL(p, path);
    return statvfs(p, st) == -1 ? -errno : 0;
}

static int pf_flush(const char *path, struct fuse_file_info *fi) {
    (void) path; (void) fi;
    gate();
    return 0;
}

static int pf_release(const char *path, struct fuse_file_info *fi) {
    (void) path;
    close((int) fi->fh);
    return 0;
}

static int pf_fsync(const char *path, int datasync, struct fuse_file_info *fi) {
    (void) path;
    gate();
    int fd = (int) fi->fh;
    return (datasync ? fdatasync(fd) : fsync(fd)) == -1 ? -errno : 0;
}

static const struct fuse_operations operations = {
    .init = pf_init,
    .getattr = pf_getattr,
    .access = pf_access,
    .readlink = pf_readlink,
    .readdir = pf_readdir,
    .mkdir = pf_mkdir,
    .symlink = pf_symlink,
    .unlink = pf_unlink,
    .rmdir = pf_rmdir,
    .rename = pf_rename,
    .link = pf_link,
    .chmod = pf_chmod,
    .chown = pf_chown,
    .truncate = pf_truncate,
    .utimens = pf_utimens,
    .open = pf_open,
    .create = pf_create,
    .read = pf_read,
    .write = pf_write,
    .statfs = pf_statfs,
    .flush = pf_flush,
    .release = pf_release,
    .fsync = pf_fsync,
};

int main(int argc, char *argv[]) {
    if (argc < 4) {
        fprintf(stderr, "usage: %s SOURCE_DIR PAUSE_FILE MOUNT_POINT [FUSE options]\n", argv[0]);
        return 2;
    }
    if (realpath(argv[1], source_dir) == NULL) {
        perror(argv[1]);
        return 2;
    }
    snprintf(pause_file, sizeof pause_file, "%s", argv[2]);
    /* FUSE gets the program name, the mount point and the options. */
    argv[2] = argv[0];
    return fuse_main(argc - 2, argv + 2, &operations, NULL);
}
