package io.sluice.metadata.acl;

/**
 * How a binding's resource name matches: LITERAL (the name itself, or {@code *} for every resource of
 * the type) or PREFIXED (every name that starts with it). ANY and MATCH exist only in filters: ANY
 * selects bindings of either kind by their own name, MATCH the bindings that apply to a named resource.
 */
public enum PatternType {
    LITERAL, PREFIXED, ANY, MATCH;

    /** Whether a binding may have this pattern type (filters may use all four). */
    public boolean specific() {
        return this == LITERAL || this == PREFIXED;
    }
}
