#ifndef SANDBOX_H
#define SANDBOX_H

/* Confine the process, and every thread it creates afterwards, to the
 * system calls the run loop, the devices and the console need (seccomp
 * BPF, no library): read only from stdin and the given eventfd, ioctl only
 * with the KVM and terminal requests vmm makes while running, open only to
 * write (framebuffer snapshots). Anything else kills the process. Host
 * failures to install it are fatal. */
void sandbox_install(int wake_fd);

#endif
