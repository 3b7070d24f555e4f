# Sourced by the bench scripts. make_work_folder PARENT PREFIX creates PARENT/PREFIX-STAMP and sets
# STAMP and WORK. It calls the script's fail function when PARENT is inside the repository $REPO,
# so that benchmark data never lands in the working tree.
make_work_folder() {
    local parent=$1 prefix=$2
    STAMP=$(date +%Y-%m-%d-%H%M%S)
    mkdir -p "$parent"
    parent=$(cd "$parent" && pwd -P)
    case "$parent/" in
        "$(cd "$REPO" && pwd -P)/"*) fail "the work folder must be outside the repository: $parent" ;;
    esac
    WORK=$parent/$prefix-$STAMP
    mkdir "$WORK"
}
