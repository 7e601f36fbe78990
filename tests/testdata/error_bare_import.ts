import "lodash";
