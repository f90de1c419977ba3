/**
 * The 32-bit hash functions distributions route hashed columns with, written from their public
 * definitions (Austin Appleby's MurmurHash3 x86_32 and Google's CityHash v1.1 CityHash32).
 */
package dev.shardgate.meta.hash;
