package dev.shardgate.router.twophase;

/** What a two-phase commit tells the router's metrics: how many transactions were prepared and how each ended. */
public interface TwoPhaseEvents {
    /** Every shard of the transaction prepared it. */
    void prepared();

    /** The commit decision was stored: the transaction is committed (recovery tells a shard that missed it). */
    void committed();

    /** It rolled back instead: a shard failed to prepare, or the decision could not be stored. */
    void rolledBack();

    TwoPhaseEvents NONE = new TwoPhaseEvents() {
        @Override
        public void prepared() {
        }

        @Override
        public void committed() {
        }

        @Override
        public void rolledBack() {
        }
    };
}
