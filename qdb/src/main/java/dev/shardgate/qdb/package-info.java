/**
 * Metadata storage: the authoritative {@link dev.shardgate.meta.Metadata} snapshot with a version,
 * watchable, plus a small key-value area. {@link dev.shardgate.qdb.MemoryQdb} keeps it in memory,
 * {@link dev.shardgate.qdb.FileQdb} also in a file, {@link dev.shardgate.qdb.EtcdQdb} in etcd, shared
 * by coordinators and routers.
 */
package dev.shardgate.qdb;
