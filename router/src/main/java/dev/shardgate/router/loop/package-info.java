/**
 * How sessions meet the kernel: a few event-loop threads carry the sessions' virtual threads and,
 * when none is runnable, one of them waits in the loop's edge-triggered epoll set for the
 * sessions' sockets while the others park. Session code stays a straight blocking loop; a wait on
 * a socket parks the virtual thread and the carrier that sees the socket's next edge makes it
 * runnable again, with no hop to a separate poller thread and no re-arming system call. Calls that block a thread in the kernel (fsync, name
 * resolution) are sent {@linkplain dev.shardgate.router.loop.EventLoops#offLoop off the loops}.
 */
package dev.shardgate.router.loop;
