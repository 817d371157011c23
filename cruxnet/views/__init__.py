"""What a person reads and looks at: the network drawn as a picture (:mod:`~cruxnet.views.netview`,
laid out by :mod:`~cruxnet.views.layout`) and nodes described in words
(:mod:`~cruxnet.views.describe`)."""
