package dev.shardgate.qdb;

class MemoryQdbTest extends QdbContract {

    @Override
    Qdb newQdb() {
        return new MemoryQdb();
    }
}
