package dev.shardgate.it.differential;

import java.util.Properties;

/** How pgjdbc talks to the router and the oracle; the same one for both sides of a statement. */
enum Protocol {
    /** Simple query protocol: parameters are inlined by pgjdbc as literals. */
    SIMPLE,
    /** Extended protocol, unnamed statements, parameters bound, results as text. */
    EXTENDED_TEXT,
    /** Extended protocol, named statements from the first use, results (and parameters) in binary. */
    EXTENDED_BINARY;

    Properties properties(String user) {
        Properties properties = new Properties();
        properties.setProperty("user", user);
        properties.setProperty("socketTimeout", "30");
        switch (this) {
            case SIMPLE -> properties.setProperty("preferQueryMode", "simple");
            case EXTENDED_TEXT -> {
                properties.setProperty("preferQueryMode", "extended");
                properties.setProperty("prepareThreshold", "0");
                properties.setProperty("binaryTransfer", "false");
            }
            case EXTENDED_BINARY -> {
                properties.setProperty("preferQueryMode", "extended");
                // -1: server-prepared from the first execution, with binary results forced
                properties.setProperty("prepareThreshold", "-1");
                properties.setProperty("binaryTransfer", "true");
            }
        }
        return properties;
    }
}
