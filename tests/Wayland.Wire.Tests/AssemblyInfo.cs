// Several tests count the process's open descriptors; running test classes in parallel would make
// those counts meaningless, so this assembly runs its tests one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
