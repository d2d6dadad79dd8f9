// One test at a time: the hostile-input test counts this process's descriptors, which a compositor of a test running
// alongside would disturb, and the machine running the browser tests is shared.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
