package dev.prefwork.labeling.model;

/**
 * Where a label model's class balance P(GOOD) comes from: fixed by the caller (e.g. the GOOD rate on gold), or
 * estimated from the votes by the model itself.
 */
public sealed interface ClassPrior {

    static ClassPrior fixed(double pGood) {
        return new Fixed(pGood);
    }

    static ClassPrior estimated() {
        return Estimated.INSTANCE;
    }

    /** A stored/displayed description: "fixed" or "estimated". */
    String mode();

    record Fixed(double pGood) implements ClassPrior {
        public Fixed {
            // Strictly inside (0, 1): the prior enters the model as log-odds.
            if (!(pGood > 0 && pGood < 1)) {
                throw new IllegalArgumentException("a fixed class prior must be strictly between 0 and 1, got " + pGood);
            }
        }

        @Override
        public String mode() {
            return "fixed";
        }
    }

    final class Estimated implements ClassPrior {
        static final Estimated INSTANCE = new Estimated();

        private Estimated() {
        }

        @Override
        public String mode() {
            return "estimated";
        }

        @Override
        public String toString() {
            return "Estimated";
        }
    }
}
