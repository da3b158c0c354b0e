package io.sluice.metadata.controller;

import io.sluice.metadata.acl.AclBinding;
import io.sluice.metadata.acl.AclFilter;
import io.sluice.metadata.image.MetadataImage;
import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.metadata.AclRecord;
import io.sluice.protocol.metadata.CreateAclsCommand;
import io.sluice.protocol.metadata.DeleteAclsCommand;
import io.sluice.protocol.metadata.MetadataCommandResult;
import io.sluice.protocol.metadata.MetadataRecord;
import io.sluice.protocol.metadata.RemoveAclRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * ACL bindings: create (all or nothing; a binding that exists already is not written again) and delete
 * by filters, matched against the image at the command's log index so every node removes the same
 * bindings. A malformed binding or filter (the broker checks them first, so only a broken or newer
 * proposer sends one) refuses the whole command with INVALID_REQUEST. Pure.
 */
final class AclControl {
    private AclControl() {
    }

    static ControllerResult create(MetadataImage image, CreateAclsCommand cmd) {
        List<MetadataRecord> records = new ArrayList<>();
        TreeSet<AclBinding> added = new TreeSet<>();
        for (AclRecord record : cmd.getAclsList()) {
            AclBinding binding;
            try {
                binding = AclBinding.fromRecord(record);
            } catch (IllegalArgumentException e) {
                return ControllerResult.error(ErrorCode.INVALID_REQUEST, "Unknown ACL value: " + e.getMessage());
            }
            String invalid = binding.invalidReason();
            if (invalid != null) {
                return ControllerResult.error(ErrorCode.INVALID_REQUEST, invalid);
            }
            if (!image.acls().bindings().contains(binding) && added.add(binding)) {
                records.add(MetadataRecord.newBuilder().setAcl(binding.toRecord()).build());
            }
        }
        return ControllerResult.ok(records);
    }

    static ControllerResult delete(MetadataImage image, DeleteAclsCommand cmd) {
        List<AclFilter> filters = new ArrayList<>();
        try {
            cmd.getFiltersList().forEach(f -> filters.add(AclFilter.fromProto(f)));
        } catch (IllegalArgumentException e) {
            return ControllerResult.error(ErrorCode.INVALID_REQUEST, "Unknown ACL filter value: " + e.getMessage());
        }
        List<MetadataRecord> records = new ArrayList<>();
        MetadataCommandResult.Builder result = MetadataCommandResult.newBuilder();
        for (AclBinding binding : image.acls().bindings()) {
            if (filters.stream().anyMatch(f -> f.matches(binding))) {
                AclRecord record = binding.toRecord();
                records.add(MetadataRecord.newBuilder().setRemoveAcl(RemoveAclRecord.newBuilder().setAcl(record)).build());
                result.addDeletedAcls(record);
            }
        }
        return ControllerResult.of(records, result.build());
    }
}
