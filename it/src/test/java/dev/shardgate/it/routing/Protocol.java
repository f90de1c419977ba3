package dev.shardgate.it.routing;

import java.util.Properties;

/** How pgjdbc talks to the router: each routing test runs under all three. */
enum Protocol {
    /** Query messages only; pgjdbc writes parameters into the text as literals. */
    SIMPLE("preferQueryMode", "simple"),
    /** Parse/Bind/Execute with the unnamed statement (pgjdbc's default for the first uses). */
    EXTENDED("prepareThreshold", "0"),
    /** Named server-side prepared statements from the first execution on. */
    PREPARED("prepareThreshold", "1");

    private final String property;
    private final String value;

    Protocol(String property, String value) {
        this.property = property;
        this.value = value;
    }

    Properties properties() {
        Properties properties = new Properties();
        properties.setProperty(property, value);
        return properties;
    }
}
