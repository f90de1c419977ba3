/**
 * COPY of distributed relations: the options of a COPY statement as far as cutting its data into
 * rows matters, and the rows and key fields of a COPY data stream.
 */
package dev.shardgate.router.copy;
