"""Files into validated model objects: a model file (:mod:`~cruxnet.files.model`), a worldview
file with its chain of ``extends`` (:mod:`~cruxnet.files.worldview`), its CPT entries
(:mod:`~cruxnet.files.forms`), parameters (:mod:`~cruxnet.files.params`) and stated marginals
(:mod:`~cruxnet.files.stated`). Every problem is a one-line error naming the file, node and
value; the types they build live in :mod:`cruxnet.model`."""
