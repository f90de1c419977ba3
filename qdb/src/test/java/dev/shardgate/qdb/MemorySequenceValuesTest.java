package dev.shardgate.qdb;

class MemorySequenceValuesTest extends SequenceValuesContract {
    @Override
    Qdb newQdb() {
        return new MemoryQdb();
    }

    @Override
    Qdb sameStore(Qdb first) {
        return first;
    }
}
