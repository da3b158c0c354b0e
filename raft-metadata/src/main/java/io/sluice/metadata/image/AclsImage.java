package io.sluice.metadata.image;

import io.sluice.metadata.acl.AclBinding;
import io.sluice.metadata.acl.AclFilter;
import io.sluice.metadata.acl.ResourceType;
import java.util.Collections;
import java.util.List;
import java.util.NavigableSet;
import java.util.TreeSet;

/**
 * Every ACL binding of the cluster, in {@link AclBinding}'s order (the snapshot order). Immutable.
 * Lookups scan the set: clusters keep hundreds of bindings, not millions, and the authorizer
 * indexes them by resource type itself.
 */
public record AclsImage(NavigableSet<AclBinding> bindings) {

    public static final AclsImage EMPTY = new AclsImage(new TreeSet<>());

    public AclsImage {
        bindings = Collections.unmodifiableNavigableSet(new TreeSet<>(bindings));
    }

    /** The bindings {@code filter} selects, in order. */
    public List<AclBinding> matching(AclFilter filter) {
        return bindings.stream().filter(filter::matches).toList();
    }

    /** The bindings on resources of {@code type}. */
    public List<AclBinding> ofType(ResourceType type) {
        return bindings.stream().filter(b -> b.resourceType() == type).toList();
    }
}
