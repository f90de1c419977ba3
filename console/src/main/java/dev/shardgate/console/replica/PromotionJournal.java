package dev.shardgate.console.replica;

/**
 * Where a console notes promotions in flight. The coordinator keeps them in its QDB and reports
 * one it finds at start; a router keeps none (its console answers or fails while the operator
 * waits).
 */
public interface PromotionJournal {
    PromotionJournal NONE = new PromotionJournal() {
        @Override
        public void started(Promotion promotion) {
        }

        @Override
        public void finished(Promotion promotion) {
        }
    };

    /** Called before the standby is asked to promote; a failure here stops the promotion. */
    void started(Promotion promotion);

    /** Called once the standby answers as a primary. Not called when the outcome is unknown. */
    void finished(Promotion promotion);
}
