/**
 * How sessions meet the kernel: a few event-loop threads carry the sessions' virtual threads and
 * wait, when none is runnable, in their own edge-triggered epoll sets for the sessions' sockets.
 * Session code stays a straight blocking loop; a wait on a socket parks the virtual thread and the
 * loop that sees the socket's next edge makes it runnable again, on the same thread, with no hop
 * to a poller and no re-arming system call. Calls that block a thread in the kernel (fsync, name
 * resolution) are sent {@linkplain dev.shardgate.router.loop.EventLoops#offLoop off the loops}.
 */
package dev.shardgate.router.loop;
